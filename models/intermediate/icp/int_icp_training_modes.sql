{#- One row per cutoff: how the ICP learns at that cutoff, and why.
    var icp_training_mode forces account, deal or lookalike; auto picks:
      account   - won and lost accounts both number var icp_account_mode_min_per_class
                  or more, and the smaller class is var icp_account_mode_min_share
                  of them or more;
      deal      - else, won and lost deals both number var icp_deal_mode_min_per_class
                  or more (each closed deal a row carrying its account's attributes);
      lookalike - else, var icp_lookalike_min_customers customers or more: the best
                  customers (var icp_best_customer_min_deal_cycles won deal cycles or
                  more; all customers when those are too few) against the rest of the
                  account universe, enrichment-only companies included;
      rules     - else (and when a forced mode has a single class): nothing is
                  learned, the analyst rules (seed icp_criteria) score.
    mode_reason says it in a sentence. -#}
{%- set requested = var('icp_training_mode') -%}
{%- if requested not in ['auto', 'account', 'deal', 'lookalike'] -%}
    {{ exceptions.raise_compiler_error("var icp_training_mode must be auto, account, deal or lookalike, got '" ~ requested ~ "'") }}
{%- endif -%}
{%- set min_accounts = var('icp_account_mode_min_per_class') -%}
{%- set min_deals = var('icp_deal_mode_min_per_class') -%}
{%- set min_customers = var('icp_lookalike_min_customers') -%}
{%- set text_type = dbt.type_string() -%}
with

cutoffs as (
    select * from {{ ref('int_icp_cutoffs') }}
),

training as (
    select * from {{ ref('int_icp_training_accounts') }}
),

counts as (
    select
        cutoffs.cutoff_name,
        sum(case when training.is_won then 1 else 0 end) as won_accounts,
        sum(case when training.account_id is not null and not training.is_won then 1 else 0 end)
            as lost_accounts,
        sum(case when training.account_id is not null then training.won_deals else 0 end) as won_deals,
        sum(case when training.account_id is not null then training.closed_deals - training.won_deals else 0 end)
            as lost_deals,
        sum(case when training.is_best_customer then 1 else 0 end) as best_customers
    from cutoffs
    left join training
        on cutoffs.cutoff_name = training.cutoff_name
    group by cutoffs.cutoff_name
),

checked as (
    select
        cutoff_name,
        coalesce(won_accounts, 0) as won_accounts,
        coalesce(lost_accounts, 0) as lost_accounts,
        coalesce(won_deals, 0) as won_deals,
        coalesce(lost_deals, 0) as lost_deals,
        coalesce(best_customers, 0) as best_customers,
        coalesce(won_accounts, 0) >= {{ min_accounts }}
        and coalesce(lost_accounts, 0) >= {{ min_accounts }}
        and 1.0 * least(won_accounts, lost_accounts) / (won_accounts + lost_accounts)
        >= {{ var('icp_account_mode_min_share') }} as accounts_suffice,
        coalesce(won_deals, 0) >= {{ min_deals }} and coalesce(lost_deals, 0) >= {{ min_deals }} as deals_suffice,
        coalesce(won_accounts, 0) >= {{ min_customers }} as customers_suffice
    from counts
),

chosen as (
    select
        *,
        {%- if requested == 'auto' %}
            case
                when accounts_suffice then 'account'
                when deals_suffice then 'deal'
                when customers_suffice then 'lookalike'
                else 'rules'
            end as training_mode,
        {%- elif requested == 'account' %}
            case when won_accounts > 0 and lost_accounts > 0 then 'account' else 'rules' end as training_mode,
        {%- elif requested == 'deal' %}
            case when won_deals > 0 and lost_deals > 0 then 'deal' else 'rules' end as training_mode,
        {%- else %}
            case when won_accounts > 0 then 'lookalike' else 'rules' end as training_mode,
        {%- endif %}
        best_customers >= {{ min_customers }} as uses_best_customers,
        case
            when best_customers >= {{ min_customers }}
                then {{ dbt.concat(["'best customers ('", "cast(best_customers as " ~ text_type ~ ")", "')'"]) }}
            else {{ dbt.concat(["'customers ('", "cast(won_accounts as " ~ text_type ~ ")", "')'"]) }}
        end as positives_text
    from checked
),

explained as (
    select
        *,
        case
            when training_mode = 'account' then {{ dbt.concat([
                "'Learned from accounts: '", "cast(won_accounts as " ~ text_type ~ ")", "' won and '",
                "cast(lost_accounts as " ~ text_type ~ ")", "' lost accounts.'"]) }}
            when training_mode = 'deal' then {{ dbt.concat([
                "'Learned from deals: only '", "cast(lost_accounts as " ~ text_type ~ ")", "' of '",
                "cast(won_accounts + lost_accounts as " ~ text_type ~ ")",
                "' closed accounts never won, too few to tell wins from losses by account; '",
                "cast(won_deals as " ~ text_type ~ ")", "' won and '", "cast(lost_deals as " ~ text_type ~ ")", "' lost deals instead.'"]) }}
            when training_mode = 'lookalike' then {{ dbt.concat([
                "'Learned from look-alikes: too few losses to learn from ('",
                "cast(lost_accounts as " ~ text_type ~ ")", "' lost accounts, '", "cast(lost_deals as " ~ text_type ~ ")", "' lost deals); the '",
                'positives_text', "' against the rest of the account universe.'"]) }}
            else {{ dbt.concat([
                "'No attribute model learned: too few wins and losses ('",
                "cast(won_accounts as " ~ text_type ~ ")", "' won and '", "cast(lost_accounts as " ~ text_type ~ ")", "' lost accounts, '",
                "cast(won_deals as " ~ text_type ~ ")", "' won and '", "cast(lost_deals as " ~ text_type ~ ")",
                "' lost deals); the analyst rules (seeds/icp/icp_criteria.csv) score instead.'"]) }}
        end as mode_reason
    from chosen
),

final as (
    select
        cutoff_name,
        cast('{{ requested }}' as {{ dbt.type_string() }}) as requested_mode,
        cast(training_mode as {{ dbt.type_string() }}) as training_mode,
        cast(mode_reason as {{ dbt.type_string() }}) as mode_reason,
        cast(won_accounts as {{ dbt.type_int() }}) as won_accounts,
        cast(lost_accounts as {{ dbt.type_int() }}) as lost_accounts,
        cast(won_deals as {{ dbt.type_int() }}) as won_deals,
        cast(lost_deals as {{ dbt.type_int() }}) as lost_deals,
        cast(best_customers as {{ dbt.type_int() }}) as best_customers,
        uses_best_customers,
        training_mode = 'rules' as is_rules_fallback
    from explained
)

select * from final
