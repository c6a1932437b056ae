{#- One row per CRM opportunity that is not deleted: `base_crm__opportunities` (the latest
    version of every opportunity, incremental) without the deleted ones. -#}
with

versions as (
    select * from {{ ref('base_crm__opportunities') }}
),

final as (
    select
        opportunity_id,
        account_id,
        owner_id,
        opportunity_name,
        amount,
        stage_name,
        is_closed,
        is_won,
        close_date,
        created_at,
        created_date,
        opportunity_type,
        forecast_category,
        probability,
        last_modified_at,
        invalid_values
    from versions
    where not is_deleted
)

select * from final
