{#- One row per CRM task that is not deleted: `base_crm__tasks` (the latest
    version of every task, incremental) without the deleted ones. -#}
with

versions as (
    select * from {{ ref('base_crm__tasks') }}
),

final as (
    select
        task_id,
        who_id,
        what_id,
        account_id,
        activity_date,
        task_type,
        task_status,
        last_modified_at,
        invalid_values
    from versions
    where not is_deleted
)

select * from final
