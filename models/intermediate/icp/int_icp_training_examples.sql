{#- One row per cutoff and account the ICP learns from at that cutoff (the
    training set of the mode int_icp_training_modes chose): what the account
    adds to the positives (won_weight) and to the negatives (lost_weight).
      account:   won_weight / lost_weight of int_icp_training_accounts;
      deal:      its won deals (x the best-customer weight) and its lost deals -
                 the deals of one account share its attributes, so they add up;
      lookalike: each best customer (each customer when the best are too few)
                 is a positive, each scoped account of the universe that never
                 won a deal a negative (other customers are neither);
      rules:     nobody. -#}
with

modes as (
    select * from {{ ref('int_icp_training_modes') }}
),

training as (
    select * from {{ ref('int_icp_training_accounts') }}
),

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

from_deals as (
    select
        training.cutoff_name,
        training.account_id,
        case when modes.training_mode = 'deal' then training.won_deal_weight else training.won_weight end
            as won_weight,
        case when modes.training_mode = 'deal' then training.lost_deal_weight else training.lost_weight end
            as lost_weight
    from training
    inner join modes
        on training.cutoff_name = modes.cutoff_name
    where modes.training_mode in ('account', 'deal')
),

lookalikes as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        case
            when modes.uses_best_customers and training.is_best_customer then 1.0
            when not modes.uses_best_customers and training.is_won then 1.0
            else 0.0
        end as won_weight,
        case when coalesce(training.is_won, false) then 0.0 else 1.0 end as lost_weight
    from scoped_accounts
    inner join modes
        on scoped_accounts.cutoff_name = modes.cutoff_name
    left join training
        on
            scoped_accounts.cutoff_name = training.cutoff_name
            and scoped_accounts.account_id = training.account_id
    where modes.training_mode = 'lookalike'
),

examples as (
    select
        cutoff_name,
        account_id,
        won_weight,
        lost_weight
    from from_deals

    union all

    select
        cutoff_name,
        account_id,
        won_weight,
        lost_weight
    from lookalikes
),

final as (
    select
        cutoff_name,
        account_id,
        cast(won_weight as {{ type_double() }}) as won_weight,
        cast(lost_weight as {{ type_double() }}) as lost_weight
    from examples
    where won_weight + lost_weight > 0
)

select * from final
